-- After a 👎 the bot asks, in one optional line, what was missing; the reply is kept with the vote.
ALTER TABLE feedback ADD COLUMN comment TEXT NOT NULL DEFAULT '';
