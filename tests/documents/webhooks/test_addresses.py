"""The webhook address policy against the IANA special-purpose registries."""

from __future__ import annotations

from ipaddress import IPv6Address, ip_address

import pytest

from documents.webhooks.addresses import (
    IPV4_SPECIAL,
    IPV6_SPECIAL,
    SpecialBlock,
    embedded_ipv4,
    is_public,
)
from documents.webhooks.targets import (
    Resolver,
    TargetRefusedError,
    TargetUnresolvedError,
    checked_addresses,
    target_refusal,
)

# The addresses the issue found through, and more of the same kinds.
MISSED_BEFORE = [
    "100.64.0.1",  # shared address space (RFC 6598)
    "100.100.100.200",  # a cloud metadata address inside it
    "192.88.99.1",  # deprecated 6to4 relay anycast
    "192.0.0.8",  # IPv4 dummy address
    "192.0.0.9",  # PCP anycast: reachable, but no webhook receiver
    "198.18.0.1",  # benchmarking
    "224.0.1.1",  # multicast
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "2002:808:808::1",  # 6to4 around a public address: the block is deprecated
    "64:ff9b::7f00:1",  # NAT64 to 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 to the link-local metadata address
    "64:ff9b:1::808:808",  # local-use NAT64 prefix
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "3fff::1",  # documentation (RFC 9637)
    "5f00::1",  # SRv6 SIDs
    "::ffff:10.0.0.1",  # IPv4-mapped private
    "::127.0.0.1",  # IPv4-compatible (deprecated), outside 2000::/3
    "fec0::1",  # site-local (deprecated), outside 2000::/3
    "ff02::1",  # multicast
    "4000::1",  # not global unicast space
]

PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", MISSED_BEFORE)
def test_addresses_special_purpose_and_carried_addresses_are_refused(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_addresses_public_unicast_and_nat64_to_public_are_allowed(address: str) -> None:
    assert is_public(address)


@pytest.mark.parametrize("row", [*IPV4_SPECIAL, *IPV6_SPECIAL], ids=lambda r: str(r.network))
def test_addresses_every_registry_block_is_refused_at_both_ends(row: SpecialBlock) -> None:
    network = row.network
    # The well-known NAT64 prefix carries public IPv4 addresses; its ends carry 0.0.0.0
    # and 255.255.255.255, both refused.
    assert not is_public(network.network_address)
    assert not is_public(network.broadcast_address)


def test_addresses_python_is_global_misses_what_the_registries_list() -> None:
    """Why Python's `is_global` is only a second opinion (docs/webhooks.md)."""
    missed = [a for a in MISSED_BEFORE if ip_address(a).is_global]
    assert not any(is_public(a) for a in missed)


def test_addresses_embedded_ipv4_are_found_in_every_carrier() -> None:
    carried = {
        "::ffff:127.0.0.1": "127.0.0.1",
        "64:ff9b::a00:1": "10.0.0.1",
        "2002:a00:1::": "10.0.0.1",
    }
    for outer, inner in carried.items():
        assert ip_address(inner) in embedded_ipv4(IPv6Address(outer))
    teredo = embedded_ipv4(IPv6Address("2001:0:4136:e378:8000:63bf:3fff:fdd2"))
    assert ip_address("65.54.227.120") in teredo  # the Teredo server
    assert ip_address("192.0.2.45") in teredo  # the client, de-obfuscated


def _resolver(*answers: str) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        return list(answers)

    return resolve


async def test_targets_one_refused_answer_refuses_the_name() -> None:
    with pytest.raises(TargetRefusedError):
        await checked_addresses("hooks.example.vn", 443, _resolver("8.8.8.8", "127.0.0.1"))
    checked = await checked_addresses("hooks.example.vn", 443, _resolver("8.8.8.8"))
    assert checked == [ip_address("8.8.8.8")]


async def test_targets_literal_addresses_are_checked_without_resolving() -> None:
    async def never(host: str, port: int) -> list[str]:
        raise AssertionError("an address literal is not resolved")

    for url in (
        "http://[::ffff:169.254.169.254]/",
        "http://100.64.0.1/",
        "http://[64:ff9b::7f00:1]/",
    ):
        assert await target_refusal(url, resolver=never) is not None


async def test_targets_unresolvable_name_is_its_own_refusal() -> None:
    async def nxdomain(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(TargetUnresolvedError):
        await checked_addresses("nowhere.invalid", 80, nxdomain)
    refusal = await target_refusal("https://nowhere.invalid/hook", resolver=nxdomain)
    assert refusal == "the URL's host does not resolve"
