-- The random-order listing ranks a consultation's submission ids from this index alone (index-only scan).
-- CreateIndex
CREATE INDEX "Submission_consultationId_status_id_idx" ON "Submission"("consultationId", "status", "id");
