from django.conf import settings
from django.utils import translation


class FinnishFirstLocaleMiddleware:
    """Finnish unless the user has chosen another language with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show
    English to most officials' browsers; a Finnish public service starts in Finnish."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        translation.deactivate()
        return response
