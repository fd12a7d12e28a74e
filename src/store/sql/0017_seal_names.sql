-- The full official name of each unit, as its seal reads (南昌市青云谱区洪都街道办事处), printed
-- where a document is issued. Kept on this workstation (bundles carry only the short name);
-- empty: the short name is used.
ALTER TABLE org_units ADD COLUMN full_name TEXT NOT NULL DEFAULT '';
