"""Model providers, chosen by LLM_PROVIDER and LLM_MODEL (see base.py for the interface)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from generation.providers.anthropic import AnthropicProvider
from generation.providers.base import ErrorKind, Provider, ProviderError, Usage
from generation.providers.demo import DemoProvider
from generation.providers.openai import OpenAIProvider

PROVIDERS = {"anthropic": AnthropicProvider, "openai": OpenAIProvider, "demo": DemoProvider}


def get_provider() -> Provider:
    try:
        provider_class = PROVIDERS[settings.LLM_PROVIDER]
    except KeyError:
        raise ImproperlyConfigured(
            f"LLM_PROVIDER={settings.LLM_PROVIDER!r}; use one of {', '.join(PROVIDERS)}."
        ) from None
    return provider_class(settings.LLM_MODEL)


__all__ = ["ErrorKind", "Provider", "ProviderError", "Usage", "get_provider"]
