# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CustomerBaseCase(TransactionCase):
    """Shared fixtures: a Ukrainian company, a product, users of each group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.ukraine = cls.env.ref("base.ua")
        cls.env.company.country_id = cls.ukraine
        cls.product = cls.env["product.product"].create(
            {"name": "Coffee beans", "list_price": 100.0, "type": "consu", "taxes_id": False}
        )
        cls.user = new_test_user(
            cls.env,
            login="cb_user",
            groups="base.group_user,customer_base.group_customer_user,sales_team.group_sale_salesman",
            name="Customer Base User",
        )
        cls.manager = new_test_user(
            cls.env,
            login="cb_manager",
            groups="base.group_user,customer_base.group_customer_manager,sales_team.group_sale_manager",
            name="Customer Base Manager",
        )

    @classmethod
    def create_customer(cls, **values):
        values.setdefault("firstname", "Олена")
        values.setdefault("lastname", "Коваленко")
        return cls.env["res.partner"].create(values)

    @classmethod
    def create_order(cls, partner, amount=100.0, confirm=True, date_order=None, **values):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": False,
                        },
                    )
                ],
                **({"date_order": date_order} if date_order else {}),
                **values,
            }
        )
        if confirm:
            order.action_confirm()
            if date_order:
                order.date_order = date_order
        return order


class CustomerApiMixin:
    """Calls to the customer API through the real endpoints with a real key.

    Mix before a case of these fixtures and ``HttpCase``:
    ``class TestX(CustomerApiMixin, CustomerBaseCase, HttpCase)``.
    """

    API_SCOPES = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.default_code = "COFFEE-1"
        cls.api_key = cls.env["customer.api.key"].create({"name": "Shop till", **cls.API_SCOPES})
        cls.key = cls.api_key._set_new_key()

    def call(self, path, payload=None, key=None, method="POST"):
        """Call ``path`` of the API; return the status and the JSON body."""
        headers = {"Authorization": f"Bearer {key or self.key}"}
        url = f"/customer_api/v1/{path}"
        if method == "GET":
            response = self.url_open(url, headers=headers)
        else:
            headers["Content-Type"] = "application/json"
            body = payload if isinstance(payload, str) else json.dumps(payload or {})
            response = self.url_open(url, data=body, headers=headers)
        self.env.invalidate_all()  # the call changed the database behind the test's cache
        return response.status_code, response.json()
