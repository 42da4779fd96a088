INTERNAL_DOMAIN = "acme.internal"
LEGACY_HOST = "legacy-api"
