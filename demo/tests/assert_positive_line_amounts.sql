-- Singular test: every order line staging keeps has a positive amount (rows returned here fail the test).
select order_item_id, quantity, unit_price, line_amount
from {{ ref('stg_order_items') }}
where line_amount <= 0
