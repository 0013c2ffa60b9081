-- Bronze orders: every 8th order also has an earlier 'placed' version, superseded by its later one.
with base as (
    select
        i::bigint as order_id,
        1 + (i * 7907) % getvariable('customers') as customer_id,
        timestamp '2024-01-01 08:00:00' + to_microseconds(((i * 15485863) % 31536000) * 1000000) as ordered_at,
        (['completed', 'completed', 'completed', 'shipped', 'cancelled'])[1 + (i * 31) % 5] as status
    from range(1, getvariable('orders') + 1) t(i)
)
select order_id, customer_id::bigint as customer_id, ordered_at, upper(status) as status,
       ordered_at + interval 1 hour as updated_at
from base
union all
select order_id, customer_id::bigint, ordered_at, 'PLACED', ordered_at
from base where order_id % 8 = 0
