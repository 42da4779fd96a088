INTERNAL_DOMAIN = "acme.internal.example.com"
LEGACY_HOST = "legacy-api"
