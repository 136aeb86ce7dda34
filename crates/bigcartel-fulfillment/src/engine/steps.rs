//! One order's way through the pipeline: build the center's order, submit it once, poll its
//! shipment and mark it shipped in Big Cartel, each outcome committed to the ledger before the
//! next step starts. The passes, the claims and the run loop are in the parent module.

use super::*;

impl<C: FulfillmentCenter, L: LedgerStore> Engine<C, L> {
    pub(super) async fn note_error(
        &self,
        entry: &LedgerEntry,
        error: String,
        report: &Report,
    ) -> Result<(), EngineError> {
        let at = self.retry_at(entry.attempts);
        self.db().note_error(&entry.order_id, &error, at).await?;
        bump(report, |r| r.step_failures += 1);
        self.emit(ProgressEvent::StepFailed {
            order_id: entry.order_id.clone(),
            error,
        });
        Ok(())
    }

    pub(super) async fn submit_failed(
        &self,
        entry: &LedgerEntry,
        error: String,
        report: &Report,
    ) -> Result<(), EngineError> {
        let at = self.retry_at(entry.attempts);
        self.db().failed(&entry.order_id, &error, at).await?;
        bump(report, |r| r.submit_failures += 1);
        self.emit(ProgressEvent::SubmitFailed {
            order_id: entry.order_id.clone(),
            error,
        });
        Ok(())
    }

    pub(super) async fn record_submitted(
        &self,
        id: &str,
        reference: String,
        recovered: bool,
        report: &Report,
    ) -> Result<Option<LedgerEntry>, EngineError> {
        let after = self.db().submitted(id, &reference).await?;
        if after.is_some() {
            bump(report, |r| {
                r.submitted += 1;
                if recovered {
                    r.recovered += 1;
                }
            });
            self.emit(ProgressEvent::Submitted {
                order_id: id.to_string(),
                reference,
                recovered,
            });
        }
        Ok(after)
    }

    /// The order's row: `after`, the row a transition of this task returned, or when it made
    /// none (another task moved the order first), the row as it is now.
    async fn row_now(
        &self,
        id: &str,
        after: Option<LedgerEntry>,
    ) -> Result<Option<LedgerEntry>, EngineError> {
        match after {
            Some(e) => Ok(Some(e)),
            None => self.entry(id).await,
        }
    }

    /// Builds the center's order, fetching product descriptions the order lacks.
    pub(super) async fn prepare(
        &self,
        order: &Order,
        cache: &ProductCache,
    ) -> Result<Result<FulfillmentOrder, HoldReason>, bigcartel::Error> {
        let mut descriptions = HashMap::new();
        for product_id in products_to_fetch(order) {
            if let Some(d) = cache.description(&self.client, &product_id).await? {
                descriptions.insert(product_id, d);
            }
        }
        let rules = PrepareRules {
            account_id: &self.account_id,
            sku: &self.settings.sku,
            shipping: &self.shipping,
            require_paid: self.settings.require_paid,
        };
        Ok(fulfillment_order(order, &descriptions, &rules))
    }

    /// Moves one order through as many steps as it can go now. Every step's outcome is committed
    /// to the ledger before the next step starts.
    pub(super) async fn advance(
        &self,
        first: LedgerEntry,
        pass: &Pass,
        limit: Limit,
    ) -> Result<(), EngineError> {
        let report = &pass.report;
        let cache = &pass.cache;
        let Some(_claim) = self.claim(&first.order_id) else {
            return Ok(());
        };
        let id = first.order_id.clone();
        // Whether this call wrote the intent / the marking record: if so, nothing can have
        // reached the center / Big Cartel yet, and the look-up before the write is skipped.
        let mut fresh_intent = false;
        let mut fresh_mark = false;
        // The row after this round's transition, when it made one.
        let mut next: Option<LedgerEntry> = None;
        // Re-read: another task may have moved the order since the work list was made.
        let mut entry = match self.entry(&id).await? {
            Some(e) => e,
            None => return Ok(()),
        };
        if entry.retry_at.is_some_and(|t| t > now_ms()) {
            return Ok(());
        }
        // Each round moves the order one state forward or returns; the pipeline has fewer than
        // ten states, so the bound is never reached by a working ledger.
        for _ in 0..12 {
            match entry.state {
                OrderState::Seen | OrderState::Held => {
                    let order = pass
                        .listed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get(&id)
                        .cloned();
                    let Some(order) = order else {
                        return Ok(());
                    };
                    match self.prepare(&order, cache).await {
                        Err(e) => return self.note_error(&entry, e.to_string(), report).await,
                        Ok(Err(reason)) => {
                            let reason = reason.to_string();
                            let already = entry.state == OrderState::Held
                                && entry.reason.as_deref() == Some(reason.as_str());
                            if already {
                                return Ok(());
                            }
                            if self.db().hold(&id, &reason).await?.is_some() {
                                bump(report, |r| r.held += 1);
                                self.emit(ProgressEvent::Held {
                                    order_id: id.clone(),
                                    reason,
                                });
                            }
                            return Ok(());
                        }
                        Ok(Ok(fo)) => {
                            let key = idempotency_key(&self.account_id, &id);
                            let payload = serde_json::to_string(&fo)
                                .map_err(|e| EngineError::Task(e.to_string()))?;
                            let Some(after) = self.db().intend(&id, &key, &payload).await? else {
                                return Ok(());
                            };
                            fresh_intent = true;
                            next = Some(after);
                        }
                    }
                }
                OrderState::Submitting | OrderState::Failed => {
                    let (Some(key), Some(payload)) = (&entry.idempotency_key, &entry.payload)
                    else {
                        return Err(self
                            .ledger
                            .corrupt(format!(
                                "order {id} is {} without key or payload",
                                entry.state
                            ))
                            .into());
                    };
                    let fo: FulfillmentOrder = serde_json::from_str(payload).map_err(|e| {
                        EngineError::Ledger(
                            self.ledger.corrupt(format!("order {id}: payload: {e}")),
                        )
                    })?;
                    if !fresh_intent {
                        // An earlier attempt may have reached the center: ask before sending.
                        match self.center.find(key).await {
                            Ok(Some(sub)) => {
                                let after = self
                                    .record_submitted(&id, sub.reference, true, report)
                                    .await?;
                                entry = match self.row_now(&id, after).await? {
                                    Some(e) => e,
                                    None => return Ok(()),
                                };
                                continue;
                            }
                            Ok(None) => {}
                            Err(e) => {
                                return self.submit_failed(&entry, e.to_string(), report).await;
                            }
                        }
                    }
                    fresh_intent = false;
                    match self.center.submit(key, &fo).await {
                        Ok(sub) => {
                            next = self
                                .record_submitted(&id, sub.reference, false, report)
                                .await?;
                        }
                        Err(CenterError::Conflict(message)) => match self.center.find(key).await {
                            Ok(Some(sub)) => {
                                tracing::warn!(order = %id, %message, "the center already holds this key; keeping its order");
                                next = self
                                    .record_submitted(&id, sub.reference, true, report)
                                    .await?;
                            }
                            _ => {
                                return self
                                    .submit_failed(
                                        &entry,
                                        CenterError::Conflict(message).to_string(),
                                        report,
                                    )
                                    .await;
                            }
                        },
                        Err(CenterError::Rejected(message)) => {
                            let reason = HoldReason::Rejected(message).to_string();
                            if self.db().rejected(&id, &reason).await?.is_some() {
                                bump(report, |r| r.held += 1);
                                self.emit(ProgressEvent::Held {
                                    order_id: id.clone(),
                                    reason,
                                });
                            }
                            return Ok(());
                        }
                        Err(e) => return self.submit_failed(&entry, e.to_string(), report).await,
                    }
                }
                OrderState::Submitted => {
                    if limit == Limit::UpToSubmission {
                        return Ok(());
                    }
                    let first_poll_this_pass = pass
                        .polled
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(id.clone());
                    if !first_poll_this_pass {
                        return Ok(());
                    }
                    let Some(reference) = entry.reference.clone() else {
                        return Err(self
                            .ledger
                            .corrupt(format!("order {id} is submitted without a reference"))
                            .into());
                    };
                    match self.center.shipment(&reference).await {
                        Ok(ShipmentStatus::Pending) => return Ok(()),
                        Ok(ShipmentStatus::Shipped {
                            carrier,
                            tracking_number,
                        }) => {
                            if let Some(after) = self
                                .db()
                                .shipped(&id, carrier.as_deref(), tracking_number.as_deref())
                                .await?
                            {
                                next = Some(after);
                                bump(report, |r| r.shipped += 1);
                                self.emit(ProgressEvent::Shipped {
                                    order_id: id.clone(),
                                    tracking_number,
                                });
                            }
                        }
                        Ok(ShipmentStatus::Cancelled { reason }) => {
                            let reason = reason.unwrap_or_else(|| "cancelled by the center".into());
                            if self.db().cancelled(&id, &reason).await?.is_some() {
                                bump(report, |r| r.cancelled += 1);
                                self.emit(ProgressEvent::Cancelled {
                                    order_id: id.clone(),
                                    reason,
                                });
                            }
                            return Ok(());
                        }
                        Err(e) => return self.note_error(&entry, e.to_string(), report).await,
                    }
                }
                OrderState::Shipped => {
                    let Some(after) = self.db().marking(&id).await? else {
                        return Ok(());
                    };
                    fresh_mark = true;
                    next = Some(after);
                }
                OrderState::Marking => {
                    if !fresh_mark {
                        // A patch may have been sent before a crash or a failure: look first.
                        match self.client.get_order(&id).await {
                            Ok(o)
                                if o.shipping_status.as_ref().map(|s| s.as_str())
                                    == Some("shipped") =>
                            {
                                return self.mark_done(&id, report).await;
                            }
                            Ok(_) => {}
                            Err(e) if is_not_found(&e) => return self.gone(&id, report).await,
                            Err(e) => return self.note_error(&entry, e.to_string(), report).await,
                        }
                    }
                    let input = OrderInput::new().shipping_status("shipped");
                    return match self.client.update_order(&id, &input).await {
                        Ok(_) => self.mark_done(&id, report).await,
                        Err(e) if is_not_found(&e) => self.gone(&id, report).await,
                        Err(e) => self.note_error(&entry, e.to_string(), report).await,
                    };
                }
                OrderState::Done | OrderState::Cancelled | OrderState::Skipped => return Ok(()),
            }
            // The row the step's transition returned, or (when another task moved the order
            // instead) the row as it is now.
            entry = match self.row_now(&id, next.take()).await? {
                Some(e) => e,
                None => return Ok(()),
            };
        }
        Ok(())
    }

    pub(super) async fn mark_done(&self, id: &str, report: &Report) -> Result<(), EngineError> {
        if self.db().done(id).await?.is_some() {
            bump(report, |r| r.marked += 1);
            self.emit(ProgressEvent::Marked {
                order_id: id.to_string(),
            });
        }
        Ok(())
    }

    pub(super) async fn gone(&self, id: &str, report: &Report) -> Result<(), EngineError> {
        let reason = "the order no longer exists in Big Cartel";
        if self.db().skip(id, reason).await?.is_some() {
            bump(report, |r| r.skipped += 1);
            self.emit(ProgressEvent::Skipped {
                order_id: id.to_string(),
                reason: reason.into(),
            });
        }
        Ok(())
    }
}
