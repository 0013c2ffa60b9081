{{ config(materialized='view') }}

select
    order_item_id,
    order_id,
    product_id,
    quantity,
    unit_price,
    quantity * unit_price as line_amount
from {{ source('bronze', 'order_items') }}
where quantity > 0
