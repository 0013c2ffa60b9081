{{
  config(
    materialized='external',
    polaris_namespace='demo.gold',
    polaris_table='mart_product_performance'
  )
}}

-- Units and revenue per product, with the share of its category's revenue.
with sales as (
    select
        p.product_id,
        p.product_name,
        p.category,
        cast(sum(i.quantity) as bigint) as units_sold,
        sum(i.line_amount) as revenue
    from {{ ref('stg_products') }} p
    left join {{ ref('stg_order_items') }} i on i.product_id = p.product_id
    group by p.product_id, p.product_name, p.category
)

select
    *,
    round(revenue / nullif(sum(revenue) over (partition by category), 0), 4) as category_revenue_share
from sales
