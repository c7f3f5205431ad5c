/*
  Queries for the authors table. `just gen` compiles each annotated query
  against schema.sql into generated/authors.queries.ts.
  A `!` after a parameter makes it required, and after a column alias it
  marks the column as never null. Columns are aliased to camelCase because
  the aliases are the keys of the rows that pg returns at run time.
  The trigger on authors keeps updated_at.
*/

/* @name createAuthor */
INSERT INTO authors (name, bio)
VALUES (:name!, :bio!)
RETURNING id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt";

/* @name getAuthor */
SELECT id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt"
FROM authors
WHERE id = :id!;

/* @name replaceAuthor */
UPDATE authors
SET name = :name!, bio = :bio!
WHERE id = :id!
RETURNING id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt";

/* @name updateAuthor */
UPDATE authors
SET
  -- A null or absent parameter leaves its column unchanged.
  name = COALESCE(:name, name),
  bio = COALESCE(:bio, bio)
WHERE id = :id!
RETURNING id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt";

/* @name deleteAuthor */
DELETE FROM authors
WHERE id = :id!
RETURNING id;

/* @name listAuthors */
-- Keyset pagination ordered by (name, id). Pass afterName and afterId from
-- the last row of the previous page, or neither for the first page.
SELECT id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt"
FROM authors
WHERE :afterId::bigint IS NULL OR (name, id) > (:afterName, :afterId)
ORDER BY name, id
LIMIT :limit!;
