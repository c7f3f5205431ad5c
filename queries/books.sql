/*
  Queries for the books table; see authors.sql for the annotation rules.
  `?` after a column alias marks the column as nullable, which pgtyped
  cannot infer for the outer side of a LEFT JOIN.
*/

/* @name createBook */
INSERT INTO books (author_id, title, isbn, published_on, tags)
VALUES (:authorId!, :title!, :isbn, :publishedOn, :tags!)
RETURNING
  id, author_id AS "authorId", title, isbn, published_on AS "publishedOn", tags,
  created_at AS "createdAt", updated_at AS "updatedAt";

/* @name getBook */
SELECT
  b.id, b.author_id AS "authorId", b.title, b.isbn, b.published_on AS "publishedOn", b.tags,
  b.created_at AS "createdAt", b.updated_at AS "updatedAt",
  a.name AS "authorName"
FROM books AS b
JOIN authors AS a ON a.id = b.author_id
WHERE b.id = :id!;

/* @name replaceBook */
UPDATE books
SET author_id = :authorId!, title = :title!, isbn = :isbn, published_on = :publishedOn, tags = :tags!
WHERE id = :id!
RETURNING
  id, author_id AS "authorId", title, isbn, published_on AS "publishedOn", tags,
  created_at AS "createdAt", updated_at AS "updatedAt";

/* @name updateBook */
UPDATE books
SET
  -- A null or absent parameter leaves its column unchanged. The nullable
  -- columns take a flag instead, so that null can clear them.
  author_id = COALESCE(:authorId, author_id),
  title = COALESCE(:title, title),
  isbn = CASE WHEN :setIsbn! THEN :isbn ELSE isbn END,
  published_on = CASE WHEN :setPublishedOn! THEN :publishedOn ELSE published_on END,
  tags = COALESCE(:tags, tags)
WHERE id = :id!
RETURNING
  id, author_id AS "authorId", title, isbn, published_on AS "publishedOn", tags,
  created_at AS "createdAt", updated_at AS "updatedAt";

/* @name deleteBook */
DELETE FROM books
WHERE id = :id!
RETURNING id;

/* @name listBooks */
-- Keyset pagination by id. A null filter, or an empty tag list, filters
-- nothing; tags must all be present on a book. titlePattern is an ILIKE
-- pattern.
SELECT
  id, author_id AS "authorId", title, isbn, published_on AS "publishedOn", tags,
  created_at AS "createdAt", updated_at AS "updatedAt"
FROM books
WHERE (:authorId::bigint IS NULL OR author_id = :authorId)
  AND tags @> :tags!
  AND (:publishedFrom::date IS NULL OR published_on >= :publishedFrom)
  AND (:publishedTo::date IS NULL OR published_on <= :publishedTo)
  AND (:titlePattern::text IS NULL OR title ILIKE :titlePattern)
  AND (:afterId::bigint IS NULL OR id > :afterId)
ORDER BY id
LIMIT :limit!;

/* @name listAuthorBooks */
-- One row per book of the author. An author with no books gives one row
-- whose book columns are null, and an unknown author gives no row.
SELECT
  a.id AS "authorId!",
  b.id AS "id?", b.title AS "title?", b.isbn, b.published_on AS "publishedOn", b.tags AS "tags?",
  b.created_at AS "createdAt?", b.updated_at AS "updatedAt?"
FROM authors AS a
LEFT JOIN books AS b ON b.author_id = a.id AND (:afterId::bigint IS NULL OR b.id > :afterId)
WHERE a.id = :authorId!
ORDER BY b.id
LIMIT :limit!;
