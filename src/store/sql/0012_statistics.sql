-- 统计报表 reads a month of service records from this index alone, in date order, instead of
-- fetching each record from wherever in the file it was written (a month of a district is
-- 100,000 records spread over gigabytes).
DROP INDEX IF EXISTS services_month;
CREATE INDEX services_month
    ON services(served_on, case_id, provider_id, item, minutes, confirmed, satisfaction);

-- Every change of a case's service state or community — into, out of and back into service,
-- a move to another community, a received version accepted or a local one kept — with the
-- state, the community and the time it changed, in a small partial index: the statistics
-- replay each case's history to any period's end from it without reading the change log's
-- records.
CREATE INDEX change_log_case_timeline
    ON change_log(
        entity, kind, applied, record_id,
        json_extract(record, '$.state'),
        json_extract(record, '$.state_changed_at'),
        json_extract(record, '$.community'),
        at)
    WHERE entity = 'case' AND applied = 1
      AND kind IN ('case.issue_card', 'case.suspend', 'case.resume', 'case.stop',
                   'case.transfer', 'case.merge', 'case.accept_received', 'case.keep_local');
