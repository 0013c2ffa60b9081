-- Bronze products: list prices are DECIMAL(10,2) and must stay exact.
select
    i::integer as product_id,
    (['Widget', 'Gadget', 'Sprocket', 'Gizmo', 'Doohickey'])[1 + i % 5] || ' ' || i as product_name,
    (['tools', 'toys', 'garden', 'kitchen'])[1 + (i * 3) % 4] as category,
    cast(((i * 7919) % 20000) / 100.0 + 0.99 as decimal(10, 2)) as list_price
from range(1, getvariable('products') + 1) t(i)
