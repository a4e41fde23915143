-- 0013_joblog_profile_version: which template version wrote a good-run profile.
--
-- A profile stores hashes of masked line templates. When the masks change, every hash changes
-- and an old profile would silently match nothing; with its version stored, a profile of
-- another version is read as missing (so the poller samples the job again) and its templates
-- are replaced on the next good run learnt. Profiles written before this column existed carry
-- '' and are relearnt.
ALTER TABLE joblog_profiles ADD COLUMN template_version text NOT NULL DEFAULT '';

COMMENT ON COLUMN joblog_profiles.template_version IS
    'Version of the line templates whose hashes the profile holds; another version is relearnt.';
