"""The importer's cache of original ids stays bounded, keeps what is in use, loses nothing
during a batch (issue 7: memory that does not grow with the file)."""

from __future__ import annotations

from rucher.exchange.importer import Resolver


def test_the_cache_is_bounded_and_keeps_what_is_in_use():
    resolver = Resolver("s")
    resolver.GENERATION = 100
    resolver.remember("person", "ada", 1)
    for batch in range(50):
        resolver.next_batch()
        for n in range(30):
            resolver.remember("post", f"p{batch}-{n}", batch * 100 + n)
        assert resolver.get("person", "ada") == 1  # used in every batch: never dropped
    assert len(resolver.young) + len(resolver.old) <= 2 * (100 + 30) + 1
    assert resolver.get("post", "p0-0") is None  # long unused: dropped
    assert resolver.get("post", "p49-29") == 4929


def test_nothing_is_dropped_during_a_batch():
    resolver = Resolver("s")
    resolver.GENERATION = 10
    resolver.next_batch()
    for n in range(100):
        resolver.remember("comment", f"c{n}", n)
    assert all(resolver.get("comment", f"c{n}") == n for n in range(100))
    resolver.forget_batch([("comment", "c5")])
    assert resolver.get("comment", "c5") is None
