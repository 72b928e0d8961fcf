# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

ALLOW_PRIVATE_HOSTS_PARAM = "customer_base.webhook_allow_private_hosts"

WEBHOOK_EVENTS = (
    "customer.created",
    "customer.updated",
    "customer.forgotten",
    "consent.given",
    "consent.withdrawn",
    "segment.entered",
    "segment.left",
    "tier.changed",
    "points.earned",
    "points.spent",
)


class CustomerWebhookSubscription(models.Model):
    """A receiver of outbound webhooks and the events it wants."""

    _name = "customer.webhook.subscription"
    _description = "Customer Webhook Subscription"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    url = fields.Char("URL", required=True)
    events = fields.Char(
        required=True,
        default="*",
        help="Comma-separated events, or * for all: " + ", ".join(WEBHOOK_EVENTS),
    )
    secret = fields.Char(
        required=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: secrets.token_hex(32),
        help="Shared secret used to sign every delivery (HMAC-SHA256). Only administrators "
        "can read or change it.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    delivery_ids = fields.One2many("customer.webhook.delivery", "subscription_id")

    @api.constrains("events")
    def _check_events(self):
        for subscription in self:
            unknown = set(subscription._event_list()) - set(WEBHOOK_EVENTS) - {"*"}
            if unknown:
                raise ValidationError(
                    _(
                        "Unknown webhook events: %(events)s. Known events: %(known)s.",
                        events=", ".join(sorted(unknown)),
                        known=", ".join(WEBHOOK_EVENTS),
                    )
                )

    @api.constrains("url")
    def _check_url(self):
        """Refuse URLs that are malformed or point into the server's own network.

        A host name that does not resolve right now is accepted: it is resolved
        and checked again before every delivery, which is the check that counts.
        """
        for subscription in self:
            try:
                host, port = self._webhook_host_port(subscription.url)
                self._check_webhook_addresses(host, port)
            except socket.gaierror:
                continue
            except ValueError as error:
                raise ValidationError(str(error)) from error

    @api.model
    def _webhook_host_port(self, url):
        """Host and port of a webhook ``url``; ValueError (translated) if malformed.

        Host names are checked for the limits of DNS (labels of at most 63
        characters, 253 in all) so that a resolver never chokes on them.
        """
        try:
            parts = urlsplit((url or "").strip())
            port = parts.port
        except ValueError as error:
            raise ValueError(_("The webhook URL %(url)s is malformed.", url=url)) from error
        if parts.scheme not in ("http", "https"):
            raise ValueError(_("The webhook URL must start with http:// or https://."))
        host = parts.hostname
        if not host:
            raise ValueError(_("The webhook URL %(url)s has no host.", url=url))
        if not self._is_ip_literal(host):
            try:
                ascii_host = host.encode("idna").decode("ascii")
            except UnicodeError as error:
                raise ValueError(
                    _("The host name of the webhook URL %(url)s is not valid.", url=url)
                ) from error
            if len(ascii_host) > 253:
                raise ValueError(
                    _("The host name of the webhook URL %(url)s is too long.", url=url)
                )
            host = ascii_host
        return host, port or (443 if parts.scheme == "https" else 80)

    @staticmethod
    def _is_ip_literal(host):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
        return True

    @staticmethod
    def _is_public_address(address):
        """True for an address on the public internet: not loopback, private,
        link-local, multicast, reserved, shared (CGNAT) or unspecified."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped:
            ip = mapped
        return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)

    @api.model
    def _allow_private_hosts(self):
        """Test and development switch: receivers on private networks allowed.

        Off unless the system parameter ``customer_base.webhook_allow_private_hosts``
        is set to 1; never set it on a production database.
        """
        value = self.env["ir.config_parameter"].sudo().get_param(ALLOW_PRIVATE_HOSTS_PARAM)
        return (value or "").strip().lower() in ("1", "true", "yes")

    @api.model
    def _check_webhook_addresses(self, host, port):
        """Resolve ``host`` and return its addresses; ValueError if any of them is
        not public (unless private receivers are allowed). socket.gaierror if the
        name does not resolve."""
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = sorted({info[4][0] for info in infos})
        if self._allow_private_hosts():
            return addresses
        refused = [address for address in addresses if not self._is_public_address(address)]
        if refused:
            raise ValueError(
                _(
                    "The webhook host %(host)s resolves to %(addresses)s, which is not a public "
                    "internet address: webhooks are never sent to loopback, private, "
                    "link-local, multicast or reserved addresses.",
                    host=host,
                    addresses=", ".join(refused),
                )
            )
        return addresses

    def _event_list(self):
        self.ensure_one()
        return [event.strip() for event in (self.events or "").split(",") if event.strip()]

    @api.model
    @tools.ormcache("company_id", "event")
    def _subscription_ids_for(self, company_id, event):
        """Ids of the active subscriptions of ``company_id`` to ``event`` (cached);
        with ``company_id`` False, those of every company (shared records)."""
        domain = [("company_id", "=", company_id)] if company_id else []
        subscriptions = self.sudo().search(domain)
        return tuple(
            subscription.id
            for subscription in subscriptions
            if {"*", event} & set(subscription._event_list())
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        result = super().write(vals)
        if "company_id" in vals:
            # Record rules are checked before a write, on the old values: check them
            # again so that a subscription cannot be moved to a company the user is not in.
            self.check_access("write")
        return result

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
