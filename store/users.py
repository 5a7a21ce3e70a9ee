"""Users and their bearer tokens. A token is shown once, when it is made; the store keeps only its SHA-256 (tokens
are 256-bit random strings, so a fast hash is safe: there is nothing to guess)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import delete, insert, select

from store.database import Store, _now, users_table

Role = Literal["participant", "recruiter", "coordinator", "admin"]
ROLES: tuple[str, ...] = ("participant", "recruiter", "coordinator", "admin")


class User(BaseModel):
    id: int
    name: str
    role: Role

    @property
    def owner_key(self) -> str:
        """What the store's ``owner`` column holds for this user's CVs and ads."""
        return f"user:{self.id}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Users:
    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def add(self, name: str, role: Role) -> tuple[User, str]:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            result = conn.execute(insert(users_table).values(name=name, role=role, token_hash=hash_token(token),
                                                             created_at=_now()))
        return User(id=int(result.inserted_primary_key[0]), name=name, role=role), token

    def by_token(self, token: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users_table.c.id, users_table.c.name, users_table.c.role)
                               .where(users_table.c.token_hash == hash_token(token))).mappings().first()
        return User(**row) if row else None

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users_table.c.id, users_table.c.name, users_table.c.role)).mappings()
            return [User(**r) for r in rows]

    def remove(self, user_id: int) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(delete(users_table).where(users_table.c.id == user_id)).rowcount)
