"""Signing in through the console in tests: password, then the second factor when there is one."""

from tests.factories import totp_code


def console_sign_in(client, host: str, login: str, password: str, device=None, steps: int = 0):
    """POST the sign-in form; with `device`, answer the code prompt too. Returns the last response."""
    response = client.post("/login/", {"login": login, "password": password}, HTTP_HOST=host)
    if device is not None:
        response = client.post("/account/two-factor/verify/", {"code": totp_code(device, steps)}, HTTP_HOST=host)
    return response
