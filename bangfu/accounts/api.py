from ninja import Router, Schema

from .selectors import places_held

router = Router(tags=["accounts"])


class PlaceRef(Schema):
    code: str
    name: str
    level: int


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    places: list[PlaceRef]


@router.get("/me", response=MeOut, operation_id="me")
def me(request):
    user = request.auth
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        roles=sorted(user.role_codes()),
        places=[PlaceRef(code=p.code, name=p.name, level=p.level) for p in places_held(user)],
    )
