-- Red flags as concepts with synonyms per language (issue 10). red_flags keeps the insurer's own phrases.
-- NULL in red_flag_concepts marks a row saved as a plain list of phrases, before concepts: Intake reads such a row's
-- phrases into the built-in concepts they name (a phrase of a concept, as 'боль в груди' or 'chest pain', brings in the
-- concept with all its synonyms in both languages; the rest stay own phrases). The reading needs the stemmer and the
-- built-in catalogue, which live in Intake's code, so existing rows are converted as they are read, not here.
ALTER TABLE intake_settings ADD COLUMN IF NOT EXISTS red_flag_concepts jsonb;
