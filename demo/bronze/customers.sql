-- Bronze customers: scale rows, plus a second, later version for every 10th customer (staging keeps the latest).
with base as (
    select
        i::bigint as customer_id,
        (['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'])[1 + (i * 7) % 8] as first_name,
        (['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'])[1 + (i * 11) % 8] as last_name,
        (['NL', 'DE', 'FR', 'US', 'GB', 'JP'])[1 + (i * 13) % 6] as country,
        date '2020-01-01' + cast((i * 37) % 1500 as integer) as signup_date,
        (i % 17) <> 0 as is_active,
        timestamp '2024-01-01 00:00:00' + to_microseconds((i * 104729) % 86400000000) as updated_at
    from range(1, getvariable('customers') + 1) t(i)
)
select customer_id, ' ' || first_name as first_name, last_name,
       upper(first_name) || '.' || lower(last_name) || customer_id || '@Example.COM' as email,
       country, signup_date, is_active, updated_at
from base
union all
select customer_id, first_name, last_name,
       lower(first_name) || '.' || lower(last_name) || customer_id || '@example.com',
       country, signup_date, is_active, updated_at + interval 30 day
from base where customer_id % 10 = 0
