"""Another machine, for tests that must come from one: a network namespace of the test's own,
joined to this machine by a veth pair with private addresses of its own. Traffic goes only
between the namespace and this machine's end of the pair, never to any other address.

Needs root and iproute2 (`ip netns`): CI runs as root; a laptop test skips, CI fails
(tests.conftest.need)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import need


@dataclass(frozen=True)
class OtherHost:
    """The namespace: its name, its address, this machine's address on the pair, and a
    Chromium launcher that runs the browser inside it."""

    name: str
    address: str  # the visitor's address, as the server sees it
    host_address: str  # this machine's end of the pair: where the visitor reaches the server
    chromium: Path  # a script that starts Chromium inside the namespace

    def run(self, *cmd: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        """A command inside the namespace (e.g. curl), its output captured."""
        return subprocess.run(
            ["ip", "netns", "exec", self.name, *cmd],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def available() -> bool:
    """Root, and `ip netns` that works here."""
    return os.geteuid() == 0 and shutil.which("ip") is not None


def _settled(name: str, device: str, *, timeout: float = 10.0) -> None:
    """Wait until the namespace's end of the pair is up with its carrier (both ends up): the
    browser starts on a network that no longer changes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = subprocess.run(
            ["ip", "netns", "exec", name, "ip", "-o", "link", "show", device],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
        if "LOWER_UP" in shown and "state UP" in shown:
            return
        time.sleep(0.05)  # polling with a deadline
    raise RuntimeError(f"{device} in {name} did not come up: {shown}")


@contextmanager
def other_host(*, workdir: Path, chromium: str = "/usr/bin/chromium") -> Iterator[OtherHost]:
    """A namespace with a veth pair (10.231.N.1 here, 10.231.N.2 there) for the block's length."""
    need("root and iproute2 (ip netns) for a second host", available())
    tag = f"{os.getpid() % 10000}{len(list(workdir.iterdir())) % 10}"
    name, here, there = f"rtop{tag}", f"rtv{tag}h", f"rtv{tag}n"
    subnet = f"10.231.{int(tag) % 250}"
    _ip("netns", "add", name)
    try:
        # No IPv6 in the namespace: an address arriving a moment after a link comes up (IPv6
        # duplicate address detection) is a network change to Chromium, which then fails the
        # page's requests in flight (net::ERR_NETWORK_CHANGED: a blank page in CI).
        for key in ("all", "default"):
            _ip("netns", "exec", name, "sysctl", "-qw", f"net.ipv6.conf.{key}.disable_ipv6=1")
        _ip("link", "add", here, "type", "veth", "peer", "name", there)
        _ip("link", "set", there, "netns", name)
        _ip("addr", "add", f"{subnet}.1/30", "dev", here)
        _ip("link", "set", here, "up")
        _ip("netns", "exec", name, "ip", "addr", "add", f"{subnet}.2/30", "dev", there)
        _ip("netns", "exec", name, "ip", "link", "set", there, "up")
        _ip("netns", "exec", name, "ip", "link", "set", "lo", "up")
        _ip("netns", "exec", name, "sysctl", "-qw", f"net.ipv6.conf.{there}.disable_ipv6=1")
        _settled(name, there)
        launcher = workdir / f"chromium-in-{name}"
        launcher.write_text(f'#!/bin/sh\nexec ip netns exec {name} {chromium} "$@"\n')
        launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
        yield OtherHost(
            name=name, address=f"{subnet}.2", host_address=f"{subnet}.1", chromium=launcher
        )
    finally:
        subprocess.run(["ip", "link", "del", here], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False)
