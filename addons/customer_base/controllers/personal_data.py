# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request


class CustomerPersonalDataController(http.Controller):
    @http.route("/customer_base/personal_data/<int:partner_id>", type="http", auth="user")
    def personal_data_json(self, partner_id):
        """The personal data report of one customer, as a JSON download."""
        if not request.env.user.has_group("customer_base.group_customer_manager"):
            raise AccessError(request.env._("Only Customer Base managers may download it."))
        partner = request.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise request.not_found()
        partner.check_access("read")
        data = {
            "customer_id": partner.id,
            "sections": partner._customer_personal_data(),
        }
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        return request.make_response(
            body,
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                (
                    "Content-Disposition",
                    f'attachment; filename="personal-data-{partner.id}.json"',
                ),
            ],
        )
