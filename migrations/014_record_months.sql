-- The MP record over a whole career (no dates asked), from one row per person and month
-- (src/person/record-summary.ts, src/person/person-repository.ts).
--
-- The busiest MP of the bench store has 1,764 day rows and 756 day-tag rows to sum into
-- months on every read: ~2 ms of database time alone and ~5 ms under load, which capped the
-- record at ~380 requests/s on two cores. The month rows are the same sums kept ready: a few
-- hundred rows per person, rebuilt with the days they come from, in the same transaction.
-- Records for a range of dates still sum the day rows.
CREATE TABLE person_month_speeches (
  person_id  text NOT NULL,
  month      date NOT NULL,
  house      text NOT NULL,
  type       text NOT NULL,
  speeches   integer NOT NULL,
  first_date date NOT NULL,
  last_date  date NOT NULL,
  PRIMARY KEY (person_id, month, house, type)
);
CREATE INDEX person_month_speeches_month ON person_month_speeches (month);
CREATE INDEX person_month_speeches_record ON person_month_speeches (person_id)
  INCLUDE (month, house, type, speeches, first_date, last_date);

CREATE TABLE person_month_tags (
  person_id text NOT NULL,
  month     date NOT NULL,
  tag       text NOT NULL,
  speeches  integer NOT NULL,
  PRIMARY KEY (person_id, month, tag)
);
CREATE INDEX person_month_tags_month ON person_month_tags (month);
CREATE INDEX person_month_tags_record ON person_month_tags (person_id) INCLUDE (month, tag, speeches);

INSERT INTO person_month_speeches (person_id, month, house, type, speeches, first_date, last_date)
SELECT person_id, date_trunc('month', sitting_date)::date, house, type, sum(speeches), min(sitting_date), max(sitting_date)
  FROM person_day_speeches GROUP BY 1, 2, 3, 4;
INSERT INTO person_month_tags (person_id, month, tag, speeches)
SELECT person_id, date_trunc('month', sitting_date)::date, tag, sum(speeches)
  FROM person_day_tags GROUP BY 1, 2, 3;
