{{
  config(
    materialized='external',
    polaris_namespace='demo.gold',
    polaris_table='mart_revenue',
    partition_by='month(order_month)'
  )
}}

-- Monthly revenue by country.
select
    date_trunc('month', o.order_date)::date as order_month,
    c.country,
    count(distinct o.order_id) as orders,
    sum(i.line_amount) as revenue
from {{ ref('stg_orders') }} o
join {{ ref('stg_order_items') }} i on i.order_id = o.order_id
join {{ ref('stg_customers') }} c on c.customer_id = o.customer_id
where o.status <> 'cancelled'
group by all
