from .permissions import get_access


def access(request):
    # A request refused before the authentication middleware (a foreign Host header: the
    # 400 page) has no user yet, and no access to show.
    if not hasattr(request, "user"):
        return {}
    return {"access": get_access(request)}
