"""The ballot box of secret votes and anonymous consultations: who took part and what they chose
are written apart, and nothing in the database links the two.

How it works
1. The voter's transaction writes who took part (the participation or vote row, with its time:
   turnout is public), its audit row (who, never what) and the content *sealed*: encrypted
   (AES-GCM) with a key that is not in the database (``settings.BALLOT_KEY``, by default derived
   from ``SECRET_KEY``), padded to a fixed size, in a ``SealedBallot`` row with a random key and no
   time. The box's name is the encryption's associated data, so a sealed ballot cannot be moved to
   another vote.
2. Mixing happens outside every voter's transaction, under the lock of the thing voted on: after
   a vote commits (``core.tasks.defer``) and always at the close. Once at least twice
   ``BALLOT_POOL`` ballots are sealed, all but ``BALLOT_POOL`` of them, chosen at random, are
   opened, shuffled and written in clear by the caller (content rows with random UUID keys and no
   time, or per-option totals), and their sealed rows are deleted; the close opens all that are
   left. So every batch written in clear is drawn from a pool at least twice its minimum size.

Threat model: what each can learn
- The board and staff, through the application: turnout (who took part, and when) and the
  results; never what a person chose.
- An operator who reads the database, a backup or an export, while the vote is open or after it:
  the same, plus the totals of each batch as it is mixed. Content rows carry no voter, no time and
  no sequential id, and reach their table in shuffled batches written by no voter's transaction, so
  PostgreSQL's ``xmin`` and ``ctid`` and SQLite's rowid link a content row to its batch, never to
  a person. A sealed row (linked to its voter by ``xmin``) is unreadable without the key, and its
  size is the same whatever was chosen (only a reason longer than about 4,000 characters makes it
  bigger).
- Someone who holds the key as well as the database while a vote is open can open the ballots
  still sealed: keep ``BALLOT_KEY`` (or ``SECRET_KEY``) out of the database and its backups. After
  the close nothing sealed is left, so a later copy of the database with the key reveals nothing.
- Not covered: whoever reads the server's memory or its requests as people vote (the application
  sees the content as it arrives), and what the results themselves say (when all vote alike, or in
  a vote of very few).
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from collections.abc import Callable, Iterator
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

from comunitas.core.audit import audit_record
from comunitas.decisions.models.sealed import SealedBallot

Content = dict[str, Any]
NONCE_BYTES = 12
PAD_TO = 4096  # bytes: every ballot without a long reason seals to the same size
_random = random.SystemRandom()


def box_of(voted_on: models.Model) -> str:
    """The box of a consultation, a motion or a budget: its model's name and key."""
    return f"{voted_on._meta.model_name}:{voted_on.pk}"


def _keys() -> Iterator[bytes]:
    """The sealing key first, then those of the previous secret keys (a key rotated while a vote
    is open still opens the ballots sealed before)."""
    secrets_in_use = (
        [settings.BALLOT_KEY]
        if settings.BALLOT_KEY
        else [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    )
    for secret in secrets_in_use:
        yield hashlib.blake2b(secret.encode(), digest_size=32, person=b"comunitas-ballot").digest()


def _seal(box: str, content: Content) -> bytes:
    # JSON escapes control characters, so the zero bytes of the padding cannot be part of it.
    plain = json.dumps(content, sort_keys=True).encode()
    plain += b"\0" * (-len(plain) % PAD_TO)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(next(_keys())).encrypt(nonce, plain, box.encode())


def _open(box: str, sealed: bytes) -> Content:
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    for key in _keys():
        try:
            plain = AESGCM(key).decrypt(nonce, body, box.encode())
        except InvalidTag:
            continue
        return json.loads(plain.rstrip(b"\0"))
    raise RuntimeError(f"A sealed ballot of {box} opens with no key in use (BALLOT_KEY changed?)")


def seal(voted_on: models.Model, content: Content) -> None:
    """Put a ballot's content in the box, sealed: all the voter's transaction writes of it."""
    box = box_of(voted_on)
    SealedBallot.objects.create(box=box, sealed=_seal(box, content))


def sealed_count(voted_on: models.Model) -> int:
    return SealedBallot.objects.filter(box=box_of(voted_on)).count()


def mix(
    voted_on: models.Model,
    write: Callable[[list[Content]], None],
    *,
    closing: bool,
    coop=None,
) -> int:
    """Open a batch of ``voted_on``'s sealed ballots and hand their contents, shuffled, to
    ``write``: all of them when ``closing``, otherwise, once at least twice the pool is sealed, all
    but the pool, chosen at random. How many were opened (0: not yet). The caller holds the lock of
    ``voted_on``, so that no ballot is sealed or counted twice meanwhile."""
    box = box_of(voted_on)
    rows = list(SealedBallot.objects.filter(box=box))
    pool = settings.BALLOT_POOL
    if closing:
        batch = rows
    elif len(rows) < 2 * pool:
        return 0
    else:
        batch = _random.sample(rows, len(rows) - pool)
    if not batch:
        return 0
    contents = [_open(box, row.sealed) for row in batch]
    _random.shuffle(contents)
    write(contents)
    SealedBallot.objects.filter(pk__in=[row.pk for row in batch]).delete()
    audit_record(
        actor=None, action="ballots.mix", obj=voted_on, coop=coop, after={"ballots": len(batch)}
    )
    return len(batch)
