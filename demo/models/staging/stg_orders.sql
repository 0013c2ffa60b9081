{{ config(materialized='view') }}

-- Latest version of each order.
with source as (
    select * from {{ source('bronze', 'orders') }}
),

deduplicated as (
    select *
    from source
    qualify row_number() over (partition by order_id order by updated_at desc) = 1
)

select
    order_id,
    customer_id,
    cast(ordered_at as date) as order_date,
    ordered_at,
    lower(status) as status
from deduplicated
