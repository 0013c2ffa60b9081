{{ config(materialized='view') }}

select
    product_id,
    trim(product_name) as product_name,
    category,
    list_price
from {{ source('bronze', 'products') }}
