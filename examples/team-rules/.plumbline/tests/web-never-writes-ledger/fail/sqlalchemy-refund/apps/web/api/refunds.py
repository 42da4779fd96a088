from sqlalchemy import Column, Integer, String, delete
from sqlalchemy.orm import DeclarativeBase, Session


class Base(DeclarativeBase):
    pass


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"

    id = Column(String, primary_key=True)
    amount_cents = Column(Integer, nullable=False)


def void(session: Session, entry_id: str) -> None:
    session.execute(delete(LedgerEntry).where(LedgerEntry.id == entry_id))
    session.commit()
