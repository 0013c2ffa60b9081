{{
  config(
    materialized='view',
    schema='silver',
    tags=['staging', 'silver']
  )
}}

-- Latest version of each customer, with cleaned names and emails.
with source as (
    select * from {{ source('bronze', 'customers') }}
),

ranked as (
    select
        *,
        row_number() over (partition by customer_id order by updated_at desc) as version_rank
    from source
),

final as (
    select
        customer_id,
        trim(first_name) || ' ' || trim(last_name) as customer_name,
        lower(trim(email)) as email,
        country,
        signup_date,
        is_active
    from ranked
    where version_rank = 1
)

select * from final
