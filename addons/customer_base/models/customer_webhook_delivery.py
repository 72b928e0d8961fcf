# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import requests

from odoo import api, fields, models, modules

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5
DEFAULT_MAX_ATTEMPTS = 5


def webhook_signature(secret, timestamp, body):
    """Signature sent in X-Customer-Base-Signature: HMAC-SHA256 of "timestamp.body"."""
    message = f"{timestamp}.{body}".encode()
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class CustomerWebhookDelivery(models.Model):
    """Queue of outbound webhook calls.

    Events only insert rows here; a cron posts them later, outside the
    user's transaction, so a slow or dead receiver never affects the UI.
    """

    _name = "customer.webhook.delivery"
    _description = "Customer Webhook Delivery"
    _order = "id desc"
    _rec_name = "event"

    subscription_id = fields.Many2one(
        "customer.webhook.subscription", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True)
    event = fields.Char(required=True, readonly=True)
    payload = fields.Text(required=True, readonly=True, help="JSON data of the event.")
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("sent", "Sent"),
            ("failed", "Failed, will retry"),
            ("dead", "Dead"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(default=fields.Datetime.now, index=True, readonly=True)
    sent_at = fields.Datetime(readonly=True)
    response_code = fields.Integer(readonly=True)
    last_error = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # Enqueueing
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, event, records_or_payloads):
        """Queue ``event`` for every subscriber; never calls a receiver.

        ``records_or_payloads`` is a recordset (turned into payloads by
        ``_webhook_payload``) or a list of dicts. Without an active
        subscription to the event this costs no query at all (cached ids).
        """
        subscription_ids = self.env["customer.webhook.subscription"]._subscription_ids_for(
            self.env.company.id, event
        )
        if not subscription_ids or not records_or_payloads:
            return self.browse()
        if isinstance(records_or_payloads, models.BaseModel):
            payloads = [self._webhook_payload(record) for record in records_or_payloads]
        else:
            payloads = list(records_or_payloads)
        return self.sudo().create(
            [
                {
                    "subscription_id": subscription_id,
                    "event": event,
                    "payload": json.dumps(payload, default=str, ensure_ascii=False),
                }
                for subscription_id in subscription_ids
                for payload in payloads
            ]
        )

    @api.model
    def _webhook_payload(self, record):
        """Data sent for ``record``; other modules extend it per model."""
        if record._name == "res.partner":
            return {
                "model": record._name,
                "id": record.id,
                "name": record.name,
                "firstname": record.firstname or None,
                "lastname": record.lastname or None,
                "phone": record.phone or record.mobile or None,
                "email": record.email or None,
                "consent": {
                    "personal_data": record.consent_personal_data,
                    "marketing_email": record.consent_marketing_email,
                    "marketing_sms": record.consent_marketing_sms,
                },
            }
        if record._name == "customer.consent":
            return {
                "model": record._name,
                "id": record.id,
                "partner_id": record.partner_id.id,
                "purpose": record.purpose,
                "state": record.state,
                "channel": record.channel,
                "date": record.date,
            }
        return {"model": record._name, "id": record.id}

    # ------------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------------
    def _config_int(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value else default
        except ValueError:
            return default

    def _request_body(self):
        self.ensure_one()
        return json.dumps(
            {
                "id": self.id,
                "event": self.event,
                "created_at": fields.Datetime.to_string(self.create_date),
                "data": json.loads(self.payload),
            },
            ensure_ascii=False,
        )

    def _post(self):
        """POST this delivery; return (http status or None, error text or None)."""
        self.ensure_one()
        body = self._request_body()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Customer Base Webhooks",
            "X-Customer-Base-Event": self.event,
            "X-Customer-Base-Delivery": str(self.id),
            "X-Customer-Base-Timestamp": timestamp,
            "X-Customer-Base-Signature": webhook_signature(
                self.subscription_id.secret, timestamp, body
            ),
        }
        timeout = self._config_int("customer_base.webhook_timeout", DEFAULT_TIMEOUT)
        try:
            response = requests.post(
                self.subscription_id.url, data=body.encode(), headers=headers, timeout=timeout
            )
        except requests.RequestException as error:
            return None, str(error)[:1000]
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, (response.text or "")[:1000] or f"HTTP {response.status_code}"

    def _deliver(self):
        """Send this delivery once and record the outcome (back-off on failure)."""
        self.ensure_one()
        status, error = self._post()
        attempts = self.attempts + 1
        values = {"attempts": attempts, "response_code": status or 0, "last_error": error}
        now = fields.Datetime.now()
        if not error:
            values.update(state="sent", sent_at=now)
        elif attempts >= self._config_int(
            "customer_base.webhook_max_attempts", DEFAULT_MAX_ATTEMPTS
        ):
            values["state"] = "dead"
        else:
            values.update(
                state="failed", next_attempt_at=now + timedelta(minutes=2 ** (attempts - 1))
            )
        self.write(values)
        self.flush_recordset()

    def _lock_next_due(self):
        """Lock one due delivery that no other worker holds, or return empty."""
        self.env.cr.execute(
            """
            SELECT id FROM customer_webhook_delivery
             WHERE state IN ('pending', 'failed') AND next_attempt_at <= %s
             ORDER BY next_attempt_at, id
             LIMIT 1
             FOR UPDATE SKIP LOCKED
            """,
            [fields.Datetime.now()],
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0] if row else [])

    @api.model
    def _cron_process_deliveries(self, batch_size=200):
        """Post due deliveries, one locked row and one commit at a time."""
        self.env.flush_all()
        for _done in range(batch_size):
            delivery = self._lock_next_due()
            if not delivery:
                break
            delivery._deliver()
            if not modules.module.current_test:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def action_retry(self):
        """Put dead or failed deliveries back in the queue for the next cron run."""
        self.filtered(lambda delivery: delivery.state != "sent").write(
            {
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": fields.Datetime.now(),
                "last_error": False,
            }
        )
