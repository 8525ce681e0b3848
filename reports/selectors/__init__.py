"""Reads of the reports app: comparison runs (`runs`), a wave's answers as the analysis input
frames (`frames`), download jobs (`downloads`), the staff figures the follow-up shortlist reads
(`staff_figures`) and the last wave (`waves`)."""
