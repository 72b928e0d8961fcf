# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import hmac
import json
import logging
import socket
import time
from datetime import timedelta

import requests

from odoo import _, api, fields, models, modules

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5
DEFAULT_MAX_ATTEMPTS = 5
ERROR_LENGTH = 300


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
        ``_webhook_payload``) or a list of dicts. Every event goes to the
        subscriptions of the company its record belongs to (see
        ``_webhook_company``), whatever company the user who saved it has
        active. Without an active subscription to the event this costs no
        query at all (cached ids).
        """
        Subscription = self.env["customer.webhook.subscription"]
        if not records_or_payloads or not Subscription._subscription_ids_for(False, event):
            return self.browse()
        if isinstance(records_or_payloads, models.BaseModel):
            items = [(record, None) for record in records_or_payloads]
        else:
            items = [
                (self._webhook_payload_record(payload), payload) for payload in records_or_payloads
            ]
        vals_list = []
        for record, payload in items:
            company_id = self._webhook_company(record).id if record else self.env.company.id
            subscription_ids = Subscription._subscription_ids_for(company_id, event)
            if not subscription_ids:
                continue
            data = json.dumps(
                payload if payload is not None else self._webhook_payload(record),
                default=str,
                ensure_ascii=False,
            )
            vals_list += [
                {"subscription_id": subscription_id, "event": event, "payload": data}
                for subscription_id in subscription_ids
            ]
        return self.sudo().create(vals_list)

    @api.model
    def _webhook_payload_record(self, payload):
        """The record a ready-made payload (``{"model": ..., "id": ...}``) is about."""
        model, record_id = payload.get("model"), payload.get("id")
        if model not in self.env or not isinstance(record_id, int):
            return None
        return self.env[model].sudo().browse(record_id).exists() or None

    @api.model
    def _webhook_company(self, record):
        """Company whose subscribers hear about ``record``: the record's own
        company, else the company of its ``partner_id``. An empty result (a
        contact or record shared by all companies) means every company's
        subscribers, as every company can see it anyway. A record with neither
        field goes to the current company."""
        record = record.sudo()
        has_company = "company_id" in record._fields
        if has_company and record.company_id:
            return record.company_id
        if record._name == "res.partner":
            return record.company_id
        if "partner_id" in record._fields and record.partner_id:
            return record.partner_id.company_id
        return self.env["res.company"] if has_company else self.env.company

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

    @api.model
    def _customer_erase_payloads(self, partners):
        """Replace the queued and delivered payloads about ``partners`` (a
        contact payload or any payload with their ``partner_id``) by the bare
        reference of the event, keeping the queue and its history intact."""
        ids = [str(partner_id) for partner_id in partners.ids]
        self.env.cr.execute(
            """
            UPDATE customer_webhook_delivery
               SET payload = jsonb_build_object(
                       'model', payload::jsonb->'model',
                       'id', payload::jsonb->'id',
                       'erased', true
                   )::text
             WHERE payload::jsonb->>'partner_id' = ANY(%(ids)s)
                OR (payload::jsonb->>'model' = 'res.partner'
                    AND payload::jsonb->>'id' = ANY(%(ids)s))
            """,
            {"ids": ids},
        )
        self.invalidate_model(["payload"])

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
        """POST this delivery; return (http status or None, error text or None).

        Guards against server-side request forgery: the host is resolved right
        before sending and refused if any of its addresses is not a public one
        (a DNS answer that changes between this check and the connection, i.e.
        DNS rebinding, is only caught at the next delivery; receivers should be
        given by a name the company controls). Redirects are not followed, the
        receiver's body is never read nor stored (only the status and its
        reason), and connecting and each read are bounded by the configured
        timeout. Every failure is returned, never raised.
        """
        self.ensure_one()
        subscription = self.subscription_id.sudo()
        try:
            host, port = subscription._webhook_host_port(subscription.url)
            subscription._check_webhook_addresses(host, port)
        except socket.gaierror:
            return None, _("The host of %(url)s cannot be resolved.", url=subscription.url)
        except ValueError as error:
            return None, str(error)[:ERROR_LENGTH]
        body = self._request_body()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Customer Base Webhooks",
            "X-Customer-Base-Event": self.event,
            "X-Customer-Base-Delivery": str(self.id),
            "X-Customer-Base-Timestamp": timestamp,
            "X-Customer-Base-Signature": webhook_signature(subscription.secret, timestamp, body),
        }
        timeout = self._config_int("customer_base.webhook_timeout", DEFAULT_TIMEOUT)
        try:
            with requests.post(
                subscription.url,
                data=body.encode(),
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
            ) as response:
                status, reason = response.status_code, (response.reason or "")[:100]
        except requests.RequestException as error:
            return None, f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        if 200 <= status < 300:
            return status, None
        if 300 <= status < 400:
            return status, _("HTTP %(status)s: redirects are not followed.", status=status)
        return status, f"HTTP {status} {reason}".strip()

    def _deliver(self):
        """Send this delivery once and record the outcome (back-off on failure).

        Any error while preparing or sending (malformed URL or payload, a
        resolver or network error) fails this delivery only.
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                status, error = self._post()
        except Exception as exception:  # one bad delivery must not stop the queue
            _logger.warning("Webhook delivery %s failed", self.id, exc_info=True)
            status, error = None, f"{type(exception).__name__}: {exception}"[:ERROR_LENGTH]
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
