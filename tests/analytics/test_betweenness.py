"""The numpy betweenness of the brokers KPI gives networkx's numbers, exact and sampled."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from rucher.analytics.betweenness import betweenness


def random_edges(seed: int) -> list[tuple[int, int]]:
    """Up to 60 people (ids spaced out), repeated edges and self-loops included."""
    rng = random.Random(seed)
    people = rng.randint(2, 60)
    return [
        (rng.randrange(people) * 7, rng.randrange(people) * 7) for _ in range(rng.randint(1, 150))
    ]


def networkx_graph(edges: list[tuple[int, int]]) -> nx.Graph:
    """Nodes added in increasing order, so that networkx draws the same pivots."""
    kept = [(a, b) for a, b in edges if a != b]
    graph = nx.Graph()
    graph.add_nodes_from(sorted({node for edge in kept for node in edge}))
    graph.add_edges_from(kept)
    return graph


@pytest.mark.parametrize("seed", range(25))
def test_exact_as_networkx(seed):
    edges = random_edges(seed)
    expected = nx.betweenness_centrality(networkx_graph(edges))
    computed = betweenness(edges)
    assert computed.keys() == expected.keys()
    assert all(computed[node] == pytest.approx(expected[node], abs=1e-12) for node in expected)


@pytest.mark.parametrize("seed", range(25))
def test_sampled_as_networkx_with_the_same_pivots(seed):
    edges = random_edges(seed)
    graph = networkx_graph(edges)
    if len(graph) < 4:
        return
    k = len(graph) // 3 + 1
    expected = nx.betweenness_centrality(graph, k=k, seed=random.Random(0))
    computed = betweenness(edges, pivots=k, seed=0)
    assert all(computed[node] == pytest.approx(expected[node], abs=1e-12) for node in expected)


def test_a_path_and_an_empty_graph():
    """1 — 2 — 3: only 2 is between; normalised by (n − 1)(n − 2) = 2 ordered pairs."""
    assert betweenness([(1, 2), (3, 2), (2, 1)]) == {1: 0.0, 2: 1.0, 3: 0.0}
    assert betweenness([]) == {}
    assert betweenness([(4, 4)]) == {}
