# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .res_partner import NAME_ORDERS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_name_order = fields.Selection(
        NAME_ORDERS,
        config_parameter="customer_base.name_order",
        default="last_first_middle",
    )
    group_customer_own_only = fields.Boolean(
        "Salespeople See Only Their Customers",
        implied_group="customer_base.group_customer_own_only",
        group="customer_base.group_customer_user",
    )
    customer_consent_wording = fields.Char(
        config_parameter="customer_base.consent_wording",
        help="Text of the personal-data consent shown on the registration page.",
    )
    customer_consent_wording_version = fields.Char(
        "Consent Wording Version",
        config_parameter="customer_base.consent_wording_version",
        default="1",
    )
    customer_registration_rate_limit = fields.Integer(
        "Registrations per IP and Hour",
        config_parameter="customer_base.registration_rate_limit",
        default=10,
    )
    customer_retention_months = fields.Integer(
        "Retention Period (Months)",
        config_parameter="customer_base.retention_months",
        default=36,
        help="Customers with no purchase, no open document and no marketing consent for this "
        "many months are proposed for anonymisation. 0 disables the review.",
    )
    customer_webhook_timeout = fields.Integer(
        "Webhook Timeout (Seconds)",
        config_parameter="customer_base.webhook_timeout",
        default=5,
    )
    customer_webhook_max_attempts = fields.Integer(
        "Webhook Attempts Before Dead Letter",
        config_parameter="customer_base.webhook_max_attempts",
        default=5,
    )
