"""How an outbox row leaves the building: SMS through the backend named by settings.SMS_BACKEND, e-mail
through Django's send_mail."""

import abc
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from core.identity import mask_mobile

logger = logging.getLogger(__name__)

DEFAULT_SMS_BACKEND = "notifications.backends.ConsoleSmsBackend"


class DeliveryError(Exception):
    """The message could not be handed over; the outbox retries it later."""


class BaseSmsBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, phone, text):
        """Hand one SMS over; raise DeliveryError if it could not be."""


class ConsoleSmsBackend(BaseSmsBackend):
    """Development default: writes the message to the log instead of sending it."""

    def send(self, phone, text):
        logger.info("SMS to %s: %s", mask_mobile(phone), text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET and lose the message: treat it as a failure.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpGatewaySmsBackend(BaseSmsBackend):
    """POST {"phone", "text", "sign"} as JSON to SMS_GATEWAY_URL with a bearer token; anything but 2xx fails."""

    def __init__(self, url=None, token=None, sign=None, timeout=None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.sign = sign if sign is not None else settings.SMS_SIGN
        self.timeout = timeout or settings.SMS_GATEWAY_TIMEOUT
        if not self.url:
            raise DeliveryError("SMS_GATEWAY_URL is not set")

    def send(self, phone, text):
        body = json.dumps({"phone": phone, "text": text, "sign": self.sign}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {self.token}",
        })
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status = response.status
                detail = response.read(300)
        except urllib.error.HTTPError as exc:
            status, detail = exc.code, exc.read(300)
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"SMS gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"SMS gateway answered HTTP {status}: {detail.decode(errors='replace')}")


def get_sms_backend():
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_SMS_BACKEND))()


def send_email(recipient, subject, body):
    send_mail(subject, body, None, [recipient], fail_silently=False)
