"""Bearer-token authentication and role checks. 401 without a valid token, 403 for the wrong role; ownership is
checked by the routes (someone else's CV or ad is a 404: its existence is not disclosed)."""

from __future__ import annotations

from typing import Callable

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from store.users import User

_bearer = HTTPBearer(auto_error=False, description="A token made with `matcha users add --role ROLE`.")


def current_user(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> User:
    if credentials is None or not credentials.credentials:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    user = request.app.state.users.by_token(credentials.credentials)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "the token is not valid",
                            headers={"WWW-Authenticate": "Bearer"})
    request.state.user_id = user.id  # for the access log (an id, never a name)
    return user


def require(*roles: str) -> Callable[[User], User]:
    """A dependency that lets through the given roles (and admins)."""

    def check(user: User = Depends(current_user)) -> User:
        if user.role != "admin" and user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the role {' or '.join(roles)}")
        return user

    return check


def owns(user: User, owner: str | None) -> bool:
    return user.role == "admin" or owner == user.owner_key


def listing_owner(user: User) -> str | None:
    """Whose items a listing shows: the user's own, or everyone's (None) for an admin."""
    return None if user.role == "admin" else user.owner_key
