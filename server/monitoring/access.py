"""Who may read ``/metrics``: an address in METRICS_ALLOW or a request bearing METRICS_TOKEN.

Metrics say how busy the office is and how many conflicts wait, so they are not public. With neither
setting the endpoint is off. Refusals look like a missing page, so a scan learns nothing.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``127.0.0.1``, ``10.0.0.0/8``, ``::1``: raises ValueError naming a bad entry."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"not an address or network: {entry!r}") from None
    return tuple(networks)


def may_read_metrics(
    client_host: str | None, authorization: str, allowed: tuple[Network, ...], token: str
) -> bool:
    presented = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else ""
    if token and presented and hmac.compare_digest(presented.encode(), token.encode()):
        return True
    if allowed and client_host:
        try:
            address = ipaddress.ip_address(client_host)
        except ValueError:
            return False
        return any(address in network for network in allowed)
    return False
