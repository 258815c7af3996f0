-- Who published a version from the designer, their note, and the base pack a version followed (JSON; null when
-- none). Adding a column fires no row trigger: versions stay immutable.
ALTER TABLE gz_versions ADD COLUMN meta text;
