CREATE TYPE user_role AS ENUM ('admin', 'clinician', 'agent', 'patient');
CREATE TYPE case_status AS ENUM ('intake', 'eligibility', 'travel', 'docs', 'approval', 'itinerary', 'complete');
CREATE TYPE case_priority AS ENUM ('low', 'medium', 'high', 'urgent');
CREATE TYPE quote_status AS ENUM ('draft', 'sent', 'accepted', 'rejected', 'expired');
CREATE TYPE booking_status AS ENUM ('pending', 'confirmed', 'cancelled');
CREATE TYPE audit_result AS ENUM ('success', 'failure');
