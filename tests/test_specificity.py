"""Collection specificity: counted from streamed cards; a big collection is recounted in the background while
searches use the last count, a small one at once."""

import json

import numpy as np

from index.specificity import CollectionSpecificity
from store.database import Store, encode_vector

S = "http://data.europa.eu/esco/skill/"


def _ads(cards: list[dict]) -> list[dict]:
    return [{"title": f"ad {i}", "kind": "job", "municipality": "Lund", "profile": "{}", "card": json.dumps(card),
             "vector": encode_vector(np.ones(4, dtype=np.float32))} for i, card in enumerate(cards)]


def test_cards_are_streamed_in_batches(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store.add("ads", _ads([{"essential": [S + str(i)]} for i in range(7)]))
    assert [c["essential"][0] for c in store.iter_cards("ads", batch=2)] == [S + str(i) for i in range(7)]


def test_a_big_collection_is_recounted_in_the_background(tmp_path, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store.add("ads", _ads([{"essential": [S + "weld", S + "safety"]}, {"essential": [S + "safety"]}]))
    monkeypatch.setattr(CollectionSpecificity, "SYNC_LIMIT", 0)  # every collection counts as big
    monkeypatch.setattr(CollectionSpecificity, "CHECK_S", 0.0)  # its size looked up at every search
    specificity = CollectionSpecificity(store)
    first = specificity.current()  # the first count is waited for
    assert first.documents == 2 and first.counts[S + "safety"] == 2 and first(S + "weld") > first(S + "safety")
    store.add("ads", _ads([{"essential": [S + "weld"], "occupations": [S + "welder"]}] * 2))
    assert specificity.current() is first  # stale: a recount started, the last count answers meanwhile
    specificity.wait()
    recounted = specificity.current()
    assert recounted.documents == 4 and recounted.counts[S + "weld"] == 3 and recounted.counts[S + "welder"] == 2
    monkeypatch.setattr(CollectionSpecificity, "CHECK_S", 3600.0)  # a big collection's size is not looked up
    store.add("ads", _ads([{"essential": [S + "weld"]}] * 4))    # at every search: no recount starts
    last_thread = specificity._refreshing
    assert specificity.current() is recounted and specificity._refreshing is last_thread


def test_a_small_collection_is_recounted_at_once(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store.add("ads", _ads([{"essential": [S + "weld"]}]))
    specificity = CollectionSpecificity(store)
    assert specificity.current().documents == 1
    store.add("ads", _ads([{"optional": [S + "weld"]}]))
    assert specificity.current().counts[S + "weld"] == 2
