{{
  config(
    materialized='external',
    polaris_namespace='demo.gold',
    polaris_table='mart_customer_orders',
    tags=['marts', 'gold', 'customer_analytics']
  )
}}

-- One row per customer: order count, lifetime value, first and last order.
with customers as (
    select * from {{ ref('stg_customers') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

order_totals as (
    select
        o.order_id,
        o.customer_id,
        o.order_date,
        sum(i.line_amount) as order_amount
    from orders o
    join {{ ref('stg_order_items') }} i on i.order_id = o.order_id
    where o.status <> 'cancelled'
    group by o.order_id, o.customer_id, o.order_date
),

final as (
    select
        c.customer_id,
        c.customer_name,
        c.country,
        count(t.order_id) as order_count,
        coalesce(sum(t.order_amount), 0) as lifetime_value,
        min(t.order_date) as first_order_date,
        max(t.order_date) as last_order_date
    from customers c
    left join order_totals t on t.customer_id = c.customer_id
    group by c.customer_id, c.customer_name, c.country
)

select * from final
