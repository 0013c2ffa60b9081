-- Bronze order lines: one to three lines per order; a few zero-quantity lines that staging drops.
select
    (o * 4 + l)::bigint as order_item_id,
    o::bigint as order_id,
    (1 + (o * 131 + l * 17) % getvariable('products'))::integer as product_id,
    ((o + l) % 5)::integer as quantity,
    cast(((o * 7919 + l) % 20000) / 100.0 + 0.99 as decimal(10, 2)) as unit_price
from range(1, getvariable('orders') + 1) t(o), range(0, 3) s(l)
where l <= o % 3
