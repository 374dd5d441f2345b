#!/usr/bin/env python3
"""Writes N unique, signed Stripe payment_intent.succeeded deliveries, one per line:
<Stripe-Signature>\t<body>. Usage: events.py <secret> <count> <out-file>"""
import hashlib
import hmac
import json
import sys
import time
import uuid

secret, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
now = int(time.time())
with open(out, "w") as f:
    for _ in range(count):
        event_id = "evt_" + uuid.uuid4().hex[:24]
        intent = "pi_" + uuid.uuid4().hex[:24]
        body = json.dumps({
            "id": event_id, "object": "event", "api_version": "2024-06-20", "created": now,
            "type": "payment_intent.succeeded", "livemode": False, "pending_webhooks": 1,
            "request": {"id": "req_" + uuid.uuid4().hex[:14], "idempotency_key": str(uuid.uuid4())},
            "data": {"object": {
                "id": intent, "object": "payment_intent", "amount": 250000, "amount_received": 250000,
                "currency": "eur", "status": "succeeded", "capture_method": "automatic",
                "created": now - 30, "customer": "cus_" + uuid.uuid4().hex[:14],
                "description": "Dental implant package, deposit",
                "latest_charge": "ch_" + uuid.uuid4().hex[:24],
                "metadata": {"case_id": str(uuid.uuid4()), "quote_id": str(uuid.uuid4())},
                "payment_method": "pm_" + uuid.uuid4().hex[:24], "payment_method_types": ["card"],
            }},
        }, separators=(",", ":"))
        signed = f"{now}.{body}".encode()
        signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        f.write(f"t={now},v1={signature}\t{body}\n")
