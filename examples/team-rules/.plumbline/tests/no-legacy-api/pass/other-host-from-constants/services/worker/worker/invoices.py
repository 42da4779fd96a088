import requests

from worker.settings import INTERNAL_DOMAIN, LEGACY_HOST


def fetch_invoice(invoice_id: str) -> dict:
    url = "https://" + LEGACY_HOST + "." + INTERNAL_DOMAIN + "/v1/invoices/" + invoice_id
    return requests.get(url, timeout=10).json()
