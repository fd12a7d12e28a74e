-- 统计报表 reads a month of service records from this index alone, in date order, instead of
-- fetching each record from wherever in the file it was written (a month of a district is
-- 100,000 records spread over gigabytes).
DROP INDEX services_month;
CREATE INDEX services_month
    ON services(served_on, case_id, provider_id, item, minutes, confirmed, satisfaction);

-- Every change into, out of and back into service, with its business time, in a small
-- partial index: the statistics count cards issued, services stopped and cases in service at
-- a period's end from it without reading the records of the change log.
CREATE INDEX change_log_service_state
    ON change_log(entity, kind, applied, record_id, json_extract(record, '$.state_changed_at'))
    WHERE entity = 'case' AND applied = 1
      AND kind IN ('case.issue_card', 'case.suspend', 'case.resume', 'case.stop');
