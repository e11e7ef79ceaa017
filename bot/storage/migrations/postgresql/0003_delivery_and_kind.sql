-- What became of each reply: 'pending' until sent, then 'delivered' when every message of it
-- reached Telegram, 'failed' when the bot gave up retrying (the user never saw it). And what was
-- asked: a 'question', or a 'handout' (/tailieu topic), so /thongke can tell them apart.
ALTER TABLE questions ADD COLUMN delivery TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE questions ADD COLUMN kind TEXT NOT NULL DEFAULT 'question';
